"""Put the built graph into a shared SPARQL 1.1 store, one named graph at a time.

`client` speaks the SPARQL 1.1 Graph Store HTTP Protocol and Update over HTTP (with Basic
or Digest credentials that never reach a log), `plan` compares the local graphs with what
the remote store already holds, and `run` carries the plan out in chunks, resumably.
"""
