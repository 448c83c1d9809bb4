"""From-scratch implementations of classic algorithms asked in coding interviews."""
