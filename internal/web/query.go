package web

import "net/url"

func encodeQuery(q map[string][]string) string { return url.Values(q).Encode() }
