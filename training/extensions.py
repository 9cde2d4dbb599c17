"""Extension singletons, bound to the app in :func:`training.create_app`."""
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from training.db import Base

#: expire_on_commit=False: a request commits once, near its end, and then renders what it loaded; nothing is loaded
#: again after the commit (not the signed-in user, not the page's rows). Code that needs fresh rows after a commit
#: (a recompute reading what another transaction wrote) calls ``db.session.refresh``/``expire_all`` itself.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address)
compress = Compress()
