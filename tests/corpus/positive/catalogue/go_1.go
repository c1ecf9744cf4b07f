	req.Header.Set("X-Service-Auth", "v1.0-e8da8f5428eddf36837dfde9-dde1374e0cfecb39fb0eab5bf31adf0268d54cfe8ed7a74ae805fca813caae72fe8c06f53cc0427d96dd41c31f5dcd039cbe4096447a6f562933d7300467a85d187c95375e9177d799")
package main
	req.Header.Set("X-Service-Auth", "SCW3HWICIQ9HFN4NSM7I")
package main
	req.Header.Set("X-Service-Auth", "nfp_qE31vFPteF0h9Z7mCgGeVXQACZe7ptDyjmAz")
	req.Header.Set("X-Service-Auth", "fo1_TI_f2PWkMNlRe2H_17xVwhU0FUViXQnyaso6mgy54Vk")
	req.Header.Set("X-Service-Auth", "ksMeR7uFTzeioV6XORU8Smj3Bbfk2gYWVUSEbWeCdCFKP4pPviRbJQQJ998oYTISRvF7yqNvgJcCAZDOLoSB")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "mpB8c9qfDFc0rnHqqHlbJ98PA44yBeHip3HTNEU6IRwQbzkQPp4UUzKl3KubEyRCaqlgHbcq52vJACDbJ6hQ2L==")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "dp.pt.C4wb0M6zYP9FkFKCL7WScCvIFuBB4nBnXib6YHEIJr6")
	req.Header.Set("X-Service-Auth", "ops_eyJ1stS9uIPMRLASvNpqoVZqIEM1b3Is2kWVuAsJKU4O_XA_yRm7CNWydiBi5g7Ps9Yje6J-x9OZ3C0NTs4S-fR1s_sSQau2bvONG87GiuthUXQ6A6UaQpiMLj-BLLlypb1cas6ghuzYZDhbpqen6pMCMDIHW5J8M41l3BY2Kximsv0jfoVWH2KfTkSmFgw_BXOdg6OicW2k54G707y0plZ_80Rgcl6FwYC1XSfWNYRFvEsSFBmnTEcPa2uD8N8Aip7NCpwxBBBff4O9np7mkvcy23FlXKGG04p9E4M5Peem9Tq")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "AKCpNKFu6zjQ03Qblm51svxgFPXKJ526zpVunjhOVVxKG7CsVsKr2MKtMtErEA6LdFppUSCF8")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "CCIPAT_sj3wfjDGeTnfFfj8lK17Br_0e8f3ac25a440a496d7c2459451a457c72d99fe6")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "harness sat.qEAWaym8uZiCY-2oQEtcIU.FaXhEDnH63YG9ZRwmFFKT2xp.b163XbVtfDrkP60U8iuL")
	req.Header.Set("X-Service-Auth", "glsa_Fe29OWlCOw7QmcYmqUqNEMZy3HPIDWFI_41eb376a")
