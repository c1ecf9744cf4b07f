// newClient builds the API client.
	req.Header.Set("X-Service-Auth", "lin_api_We9tEkLltdOgjCYAciRxievJJQ6PwKPPBJS3BOcA")
	req.Header.Set("X-Service-Auth", "CFPAT-ShLi2Isb8doW2DO8vCt2hYtUlY9GCFsLkVG6AfwUvoN")
package main
	req.Header.Set("X-Service-Auth", "sk.eyJ1Ijoipkgu7bzSnEHOOX2suzzfk4ks-VahYUtVC034Cj4t.WzOoXakvpBIYpvdnXDBLno")
import "net/http"
	req.Header.Set("X-Service-Auth", "pnu_y9qEaqQwT7K3y2zzQ8bNBPm8YYnSgFL8IPd4")
	req.Header.Set("X-Service-Auth", "4b1d4TcaVSVYMAvyT8K7Y8VjMKjlgEhE7sR6upEEnF")
import "net/http"
	req.Header.Set("X-Service-Auth", "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")
	req.Header.Set("X-Service-Auth", "elevenlabs sk_d30e086f73a88db5abd26bc86380c9aa87ddd5eda527abf4")
	req.Header.Set("X-Service-Auth", "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")
