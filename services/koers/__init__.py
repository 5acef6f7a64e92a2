"""What both services share: database engines, problem+json errors, HTTP conventions."""
