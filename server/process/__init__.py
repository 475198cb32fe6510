"""The running process: the live-event hub, timed work, metrics and logs."""
