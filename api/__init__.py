"""The JSON API (issue 19, section 1): ``/api/v1/``, the same rules as the pages.

It sits above every domain app (``accounts`` ← … ← ``reviews`` ← ``api`` ←
``config``): each endpoint parses and checks access with the app's own
``permissions.py`` and calls the app's own services, exactly as a page does.
"""
