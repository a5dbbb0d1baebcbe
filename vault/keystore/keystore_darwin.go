package keystore

const darwinHint = "unlock your login Keychain and allow DeskAuth to use it, or protect the vault with a password instead"

func platformStore() (Store, error) {
	return &kekStore{secrets: osKeyring{hint: darwinHint}}, nil
}
