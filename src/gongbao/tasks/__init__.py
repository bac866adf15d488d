"""The task ledger (督办台账): who must do what by when, extracted from the documents."""
