"""Independent loss implementations, each labelled with the signature it should get."""
