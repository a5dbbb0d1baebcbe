package vault

// Settings are the preferences stored inside the encrypted vault, so they travel
// with it.
type Settings struct {
	// TimeSource is where the true time comes from when the PC clock is wrong:
	// "" (trust the OS clock), "ntp://host[:port]" or "https://host/".
	TimeSource string `json:"time_source,omitempty"`
}
