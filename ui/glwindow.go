package ui

import "github.com/go-gl/glfw/v3.3/glfw"

// withoutDepthBuffer asks GLFW, which Fyne's desktop driver opens windows
// with, for windows without a depth or a stencil buffer. Fyne draws in 2D
// with the depth test off, yet clears the depth buffer at every repaint, and
// GLFW's default is 24 depth and 8 stencil bits. On a software renderer
// (Mesa's llvmpipe: Xvfb, many VMs and remote desktops) that clear reads and
// rewrites every pixel's depth around its stencil bits: a fifth of the
// rasteriser's time during a process-pool run (perf, 2 cores). Without the
// buffer there is nothing to clear; what Fyne draws is the same.
//
// Call it on the main goroutine after the app's first NewWindow (which
// initialises GLFW) and before the window is shown (which creates it); GLFW
// keeps hints until they are reset, and Fyne sets only others.
func withoutDepthBuffer() {
	glfw.WindowHint(glfw.DepthBits, 0)
	glfw.WindowHint(glfw.StencilBits, 0)
}
