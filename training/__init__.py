"""Клиентоцентричность СЗН: training of the employment service's staff in client-centricity, and the tools that
keep it alive. The application factory is :func:`training.app.create_app`; docs/ARCHITECTURE.md maps the house."""
