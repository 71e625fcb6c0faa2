"""The clinic API under ``/api/v1/``: JSON over the same services the desk uses, for integrations.

``ClinicApi`` (gateway.api.app) is the WSGI app; the gateway hands it every path under the prefix.
"""

API_PREFIX = "/api/v1"
