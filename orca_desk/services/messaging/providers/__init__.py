"""SMS and email provider clients behind one interface."""
