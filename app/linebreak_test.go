package app

import (
	"strings"
	"testing"
)

func TestBreakHints(t *testing.T) {
	for in, want := range map[string]string{
		"このコンピューターのキーストアで解除するか、パスワードを入力してください。": "この|コンピューターの|キーストアで|解除するか、|パスワードを|入力してください。",
		"このコードを管理コンソールに入力してください。受け付けられたら保存します。": "この|コードを|管理コンソールに|入力してください。|受け付けられたら|保存します。",
		"シークレットキーが Base32 ではありません。":             "シークレットキーが Base32 ではありません。",
		"保管庫を作成": "保管庫を作成", // short: unchanged
	} {
		if got := strings.ReplaceAll(breakHints(in), "\u200a", "|"); got != want {
			t.Errorf("breakHints(%q) = %q, want %q", in, got, want)
		}
	}
}
