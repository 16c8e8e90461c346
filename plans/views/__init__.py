"""The plan pages: cycles (HR), plans, objectives and the team, one module each."""
