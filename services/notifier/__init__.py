"""The notifier: follows the tracker's feed and tells the right people, once."""
