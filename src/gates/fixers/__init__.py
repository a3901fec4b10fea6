"""Fix builders: the edits a check attaches to its ``Hit`` (``Hit.fixes``), one module per repair.

Checks decide *what* is wrong; these modules only turn a located problem into ``Edit``s of one
file. YAML is never re-dumped: an edit is a text splice at exact spans that the check's parser
located (an interpolation's offsets, a key's and a scalar's marks), so everything outside the
span keeps its bytes, comments, quoting and indentation by construction. Where a whole new block
is written (an ExternalSecret, a policy stanza, a README section) it is generated as text in the
file's own indentation and line ends, then spliced in. ``gates.fix`` applies the edits.
"""
