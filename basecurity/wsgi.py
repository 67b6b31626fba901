"""The WSGI application gunicorn serves (docs/operations.md).

The garbage collector is tuned for a web worker: a page allocates tens of thousands of short-lived
objects (query rows, model instances, template nodes), and with CPython's default threshold (700
allocations) the youngest generation is collected dozens of times a request. After the application
is loaded, what it allocated so far (modules, settings, URL patterns) is moved out of the collector's
sight (`gc.freeze`) and collections run every 50,000 allocations: 5 % less CPU per list page in a
paired measurement (docs/benchmarks.md, "Lists that scale"). Reference cycles are still collected.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basecurity.settings")
application = get_wsgi_application()

gc.freeze()
gc.set_threshold(50_000, 20, 20)
