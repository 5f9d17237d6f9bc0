"""The plumbing every app uses, beneath the registry: form pages and service errors on pages and
in the API, GET filter forms, and sending e-mail. It knows no model of any app."""
