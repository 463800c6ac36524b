"""A question-answering bot about the US-brokered Russia-Ukraine ceasefire talks, citing its source verbatim."""
