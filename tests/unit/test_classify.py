def test_statements_name_as_speakers_only_the_parties_in_their_sentences() -> None:
    from tracker.domain.classify import classify

    found = classify(
        "Talks with Meta and xAI ended without a deal for Character.AI",
        "Character.AI held talks with both. Meta declined to comment. Elon Musk did not respond.",
        {"Meta": ("Meta",), "xAI": ("xAI",), "Character.AI": ("Character.AI",), "Elon Musk": ("Elon Musk", "Musk")},
    )
    assert set(found.parties) == {"Meta", "xAI", "Character.AI", "Elon Musk"}
    assert found.speakers == ("Meta", "Elon Musk")
    assert classify("Meta held talks with xAI", "", {"Meta": ("Meta",), "xAI": ("xAI",)}).speakers == ()
