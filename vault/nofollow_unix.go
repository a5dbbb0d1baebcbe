//go:build unix

package vault

import "syscall"

const noFollow = syscall.O_NOFOLLOW
