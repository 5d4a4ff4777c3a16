"""Printing a scored run: the summary figures, then every miss."""

from __future__ import annotations

from typing import Any

from tracker.evaluation.metrics import Score, Scores, by_area, score
from tracker.evaluation.runner import RunResult


def figures(scores: Scores, result: RunResult) -> dict[str, Any]:
    """Every figure, as JSON-ready values (what ``--json`` writes)."""
    a = scores.attachment
    return {
        "items": len(result.dataset.items),
        "stories": len(result.dataset.stories),
        "checkpoints": len(result.dataset.checkpoints),
        "seconds": round(result.seconds, 2),
        "reading_source": sorted(scores.sources),
        "attachment": {
            "relevant": a.relevant,
            "attached": a.attached,
            "suggested": a.suggested,
            "distractors_attached": a.foreign,
            "distractors_suggested": a.foreign_suggested,
            "recall": round(a.recall, 4),
            "recall_with_suggestions": round(a.reached, 4),
            "precision": round(a.precision, 4),
        },
        "read_items": scores.read_items,
        "kinds": scores.kinds.figures(),
        "relations": scores.relations.figures(),
        "statements": {**scores.statements.figures(), "attribution_accuracy": _ratio(scores.attribution)},
        "relevance_accuracy": _ratio(scores.relevance),
        "threads": {**scores.threads.figures(), "accuracy": round(scores.threads.accuracy, 4)},
        "open_questions": {**scores.open_questions.figures(), "accuracy": round(scores.open_questions.accuracy, 4)},
        "by_story": {s.slug: _story_figures(result, s.slug) for s in result.dataset.stories},
        "warnings": list(result.warnings),
        "misses": [miss.__dict__ for miss in scores.misses],
    }


def _story_figures(result: RunResult, slug: str) -> dict[str, Any]:
    s = score(result, only=slug)
    return {
        "attached": s.attachment.attached,
        "suggested": s.attachment.suggested,
        "relevant": s.attachment.relevant,
        "foreign_attached": s.attachment.foreign,
        "kinds_f1": round(s.kinds.f1, 4),
        "relations_f1": round(s.relations.f1, 4),
        "statements_f1": round(s.statements.f1, 4),
        "threads_accuracy": round(s.threads.accuracy, 4),
        "open_questions_accuracy": round(s.open_questions.accuracy, 4),
    }


def _ratio(score: Score) -> float:
    total = score.tp + score.fn
    return round(score.tp / total, 4) if total else 1.0


AREAS = ("attachment", "kinds", "relations", "statements", "relevance", "threads", "open_questions")


def _prf(score: Score) -> str:
    return f"P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}  (tp {score.tp}, fp {score.fp}, fn {score.fn})"


def summary_lines(scores: Scores, result: RunResult) -> list[str]:
    data: dict[str, Any] = figures(scores, result)
    a = data["attachment"]
    dataset = result.dataset
    distractors = sum(1 for i in dataset.items if i.labels.story == "none")
    lines = [
        f"Evaluation set {dataset.path}: {len(dataset.items)} items ({len(dataset.items) - distractors} of "
        f"{len(dataset.stories)} stories, {distractors} distractors), {len(dataset.checkpoints)} checkpoints, "
        f"{len(dataset.feeds)} feeds; ran in {result.seconds:.1f} s",
        f"reading source: {', '.join(data['reading_source']) or 'none'}; state source: "
        + ", ".join(sorted({s.source for _c, s in result.checkpoints}) or ["none"]),
        f"attachment:        {a['attached']}/{a['relevant']} relevant attached (recall {a['recall']:.3f}), "
        f"{a['suggested']} more suggested (recall with suggestions {a['recall_with_suggestions']:.3f}); "
        f"{a['distractors_attached']} distractors auto-attached (precision {a['precision']:.3f}), "
        f"{a['distractors_suggested']} suggested",
        f"kinds (micro):     {_prf(scores.kinds)}   over {scores.read_items} read items",
        f"relations:         {_prf(scores.relations)}",
        f"statements:        {_prf(scores.statements)}",
        f"speaker attribution accuracy: {data['statements']['attribution_accuracy']:.3f} "
        f"(expected statements whose kind was found, with the right speaker: "
        f"{scores.attribution.tp}/{scores.attribution.tp + scores.attribution.fn})",
        f"relevance accuracy: {data['relevance_accuracy']:.3f} ({scores.relevance.tp}/{scores.read_items})",
        f"thread status at checkpoints: accuracy {scores.threads.accuracy:.3f}; {_prf(scores.threads)}",
        f"open questions at checkpoints: accuracy {scores.open_questions.accuracy:.3f}; {_prf(scores.open_questions)}",
    ]
    lines += [f"warning: {w}" for w in result.warnings]
    return lines


def story_lines(result: RunResult) -> list[str]:
    """One line per story: attachment, kinds and relations F1, checkpoint accuracies."""
    lines = ["per story:"]
    for story in result.dataset.stories:
        s = score(result, only=story.slug)
        a = s.attachment
        lines.append(
            f"  {story.slug}: attached {a.attached}/{a.relevant} (+{a.suggested} suggested), "
            f"{a.foreign} foreign attached; kinds F1 {s.kinds.f1:.3f}, relations F1 {s.relations.f1:.3f}, "
            f"statements F1 {s.statements.f1:.3f}; threads {s.threads.accuracy:.3f}, "
            f"open questions {s.open_questions.accuracy:.3f}"
        )
    return lines


def miss_lines(scores: Scores) -> list[str]:
    grouped = by_area(scores.misses)
    lines = [f"Misses ({len(scores.misses)}):" if scores.misses else "No misses."]
    for area in AREAS:
        misses = grouped.get(area, [])
        if not misses:
            continue
        note = " (missing or wrong; extra or wrong)" if area in ("threads", "open_questions") else ""
        lines.append(f"  {area} ({len(misses)}){note}:")
        for miss in misses:
            lines.append(f"    {miss.where}: expected {miss.expected}; got {miss.got}")
    return lines


def render(scores: Scores, result: RunResult) -> str:
    return "\n".join([*summary_lines(scores, result), *story_lines(result), "", *miss_lines(scores)])
