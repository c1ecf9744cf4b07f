package main
	req.Header.Set("X-Service-Auth", "figd_ASgOemD5Zd2UrjbTy57R3prLUs-CB5i4JGiBSGX6")
import "net/http"
	req.Header.Set("X-Service-Auth", "tfp_TQOKfyTDDMDT2hbCJLZRb4DBZf4VaW3bXqVpfRSAhkFr64rmb9fxelJ5Y0w")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "rdme_pi36zewzqpeajh5jsrqqs7n8ugpii5ewyrptxbyiftpvqbcsx0ymv9ybl77yif0gtbbyod")
	req.Header.Set("X-Service-Auth", "tk-us-2KUitJKdMy9bAvahsFbyVe3WMsAZICeE5P9VD3JyT6ochhPj")
	req.Header.Set("X-Service-Auth", "p8e-20WdAjfgjZwyI8s20LrrIQrZFMJTkITk")
package main
	req.Header.Set("X-Service-Auth", "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")
package main
	req.Header.Set("X-Service-Auth", "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")
	req.Header.Set("X-Service-Auth", "fw_XM39egFPuaWXlW1bb7PoIJeI")
