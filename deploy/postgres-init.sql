-- Each service has its own database (DESIGN.md): created once, on the volume's first start.
CREATE DATABASE tracker;
CREATE DATABASE notifier;
