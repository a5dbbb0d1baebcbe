//go:build !unix

package vault

// noFollow is 0 where open(2) has no O_NOFOLLOW. On Windows, creating a
// symbolic link needs a privilege ordinary users do not have.
const noFollow = 0
