package federation

import "strings"

// ActorURL is the instance actor's id at baseURL.
func ActorURL(baseURL string) string { return strings.TrimSuffix(baseURL, "/") + "/actor" }
