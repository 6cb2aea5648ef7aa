"""Weakly-supervised, weak-shot and few-shot semantic segmentation, reproduced as literate notebooks

Modules:

- `wsslib.config`: The settings several methods share, declared once: how a network is optimised (`OptimConfig`), which backbone it has (`BackboneConfig`), how its training crops are augmented (`TransformConfig`) and in what precision it trains (`PrecisionConfig`); then every method's config, composed of them. Nothing here imports torch, so the command line builds any method's flags at once."""

__version__ = "0.1.0"
