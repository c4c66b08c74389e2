"""Probability distributions with sampling, log-densities and KL divergences, as in
``torch.distributions``.

Supported: Normal, Bernoulli, Categorical, OneHotCategorical (and its StraightThrough
variant), Uniform, Exponential, Laplace, Independent and MultivariateNormal, with
``kl_divergence`` / ``register_kl``. Distributions whose sampling needs a gamma sampler
(Beta, Gamma, Dirichlet, ...) and transforms are not implemented yet.
"""

from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Exponential",
    "Independent",
    "Laplace",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "OneHotCategoricalStraightThrough",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
