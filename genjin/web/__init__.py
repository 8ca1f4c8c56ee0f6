"""The read-only web view for managers: signed links (links.py), the pages (pages.py) and the
chart and export downloads (files.py), served by `genjin run` under /dashboard/."""
