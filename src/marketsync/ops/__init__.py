"""Operating switches: the read-only mode that stops every write to every external system, and the circuit
breakers' states as the processes report them."""
