import "net/http"
	req.Header.Set("X-Service-Auth", "dt0c01.OJW73AVKGYZH5H2ML2MQYMRA.PG4UAVOOG7O5ASONMJZNZE0QMSJEJOYFUI70ASZUQNVBGBQCD6D86V6X312LHEBD")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "PMAK-41f4bb7ed91dfebad4321d70-ed82889790af295bb45226210463d3499d")
package main
	req.Header.Set("X-Service-Auth", "BBDC-MiAho3SoUKl6yalAbg3jbNJGcUCStavTgaAy8nf/MDdo")
import "net/http"
	req.Header.Set("X-Service-Auth", "oy204cgxt44bm2cdat7f8etc61fq6pu5mn75xpt1nvd5oq")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "AAAAAAAAAAAAAAAAAAAAAAg9je8Gbpr8PElOifajKUkVXVrxVegMca1L94KhV9xRhpPBQiD9QVlCprvhz6B2Od923KzMJfBdJ2rUqITRxRoeBxfL")
	req.Header.Set("X-Service-Auth", "1//0bPOg0Pt4tP_2eGrTlMkXxD1uibh9YaUARrlw6c6TA4Geh2hJoZmSZ0GGBbF-YXVGkP1RyYDx10oGtKo5CxIL4QcZZV")
	req.Header.Set("X-Service-Auth", "https://prod-01.westus.logic.azure.com:443/workflows/002159ccf5b5273147e02d5f6a3faeeb/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=-DmU10kRVoWAJ9TSOnhcAoPc4PWl1L1-YxKulW4X2NQ")
package main
	req.Header.Set("X-Service-Auth", "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")
package main
	req.Header.Set("X-Service-Auth", "AQEl-iUHrWC59Z9bUP8sdrLvmmDyXzRrWq7lI-snLue.tLcfDUjrmVDoiAn0dDBTZ4VWhLSWJgr12_pAfYJZIHLyePiGst-2pYnKukEx")
	req.Header.Set("X-Service-Auth", "sk_live_9aefc4cbc2fe57ae1567dbfd7addc8711167a5e0")
// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "woocommerce cs_26b08d7aa3660eec649f13cf63f2087ab56c4638")
package main
	req.Header.Set("X-Service-Auth", "5Aep861jcFHG3GtLglEt5zvpFPKrKPBZJBEcbppMIKk7R7aIZyGrX1fOMIiz7QmchenwZz8QeS6PgRiWLg10AAIv1IwJDIIPM")
