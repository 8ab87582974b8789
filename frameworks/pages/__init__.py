"""What each public page shows, gathered in a fixed number of queries, whatever the data size.

The read side of the site: views stay thin (pick the object, call a builder,
render), and every builder here reads published values from ``Verdict`` and
bounds what it returns (a page of rows, a chosen set of columns).

- ``cells``: a published feature value as every page shows it, and feature-group grouping;
- ``table``: the comparison table, its filters' counts, chips and paging;
- ``compare``: two to six frameworks side by side;
- ``choose``: needs stated in the address, and the frameworks ranked against them;
- ``detail``: framework, feature, category and source pages, and the indexes.
"""
