"""The demo organisation across apps, loaded by ``manage.py seed_demo``.

It sits above the product (it imports accounts, plans, coaching and reviews);
nothing in the product imports it.
"""
