"""The Navixy HTTP surface: thin views over mockserver.domain."""
