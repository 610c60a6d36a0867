"""/__mock__: test controls that are not part of Navixy."""
