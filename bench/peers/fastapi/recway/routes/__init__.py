"""The API's routes: the health check and the segments."""
