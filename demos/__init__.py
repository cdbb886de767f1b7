"""Walkthroughs of the articles' backpropagation, with the engine doing the work.

``python -m demos`` runs them all; each part is also a module of its own:
``demos.forward``, ``demos.output_layer``, ``demos.hidden_layer``,
``demos.gradient_descent``, ``demos.graph`` (and ``demos.replay``). The
articles' data and published numbers are ``nn.statquest``'s; ``demos.network``
builds the network as the engine's graph and again in plain floats.
"""
