"""The admin views, one module per page group; shared helpers live in lms.admin.forms
(choices) and the queries modules, never in another view module."""
