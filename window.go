package main

import (
	"os"

	"concurrencylab/ui"
)

func runWindow(args []string) int { return ui.Main(args, os.Stderr) }
