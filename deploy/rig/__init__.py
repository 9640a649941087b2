"""The real parts the tests and benchmarks run natively on loopback: Kafka, PostgreSQL, SMTP."""
