"""Qt views: each draws one part of the controller's state and computes no mathematics."""
