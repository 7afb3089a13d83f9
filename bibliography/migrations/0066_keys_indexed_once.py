# Each of these keys was indexed twice: by the index Django makes for a foreign key (or one of the
# model's own), and as the first column of a unique constraint or another index. Only the indexes go:
# altering the fields the usual way would drop and re-add their foreign keys, each checked again
# over the whole table under a lock on the papers.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = [
    ("bibliography_attachment", "attachment_paper_idx", "paper_id"),
    ("bibliography_attachment", "bibliography_attachment_paper_id_0162a10f", "paper_id"),
    ("bibliography_authoralias", "bibliography_authoralias_author_id_140661af", "author_id"),
    ("bibliography_citation", "bibliography_citation_cited_id_4268e7f6", "cited_id"),
    ("bibliography_citation", "bibliography_citation_citing_id_d9ff0eb9", "citing_id"),
    ("bibliography_citationkeyalias", "bibliography_citationkeyalias_paper_id_097aeb12", "paper_id"),
    ("bibliography_conceptalias", "bibliography_conceptalias_concept_id_83d815b6", "concept_id"),
    ("bibliography_conceptrelation", "bibliography_conceptrelation_child_id_aff327fd", "child_id"),
    ("bibliography_conceptrelation", "bibliography_conceptrelation_parent_id_c1152dfd", "parent_id"),
    ("bibliography_duplicatecandidate", "bibliography_duplicatecandidate_paper_a_id_890fef35", "paper_a_id"),
    ("bibliography_duplicatecandidate", "bibliography_duplicatecandidate_paper_b_id_dc671da5", "paper_b_id"),
    ("bibliography_idempotentrequest", "bibliography_idempotentrequest_user_id_57cd649e", "user_id"),
    ("bibliography_keypoint", "bibliography_keypoint_paper_id_c3859a29", "paper_id"),
    ("bibliography_note", "bibliography_note_paper_id_7e0aefc3", "paper_id"),
    ("bibliography_paperconcept", "bibliography_paperconcept_concept_id_d069e9d6", "concept_id"),
    ("bibliography_paperconcept", "bibliography_paperconcept_paper_id_1886c6e0", "paper_id"),
    ("bibliography_proposal", "bibliography_proposal_paper_id_f8d5e4cd", "paper_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("bibliography", "0065_titlesketch_title_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"', f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")'
                )
                for table, name, column in INDEXES
            ],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="attachment",
                    name="attachment_paper_idx",
                ),
                migrations.AlterField(
                    model_name="attachment",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="authoralias",
                    name="author",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="aliases",
                        to="bibliography.author",
                    ),
                ),
                migrations.AlterField(
                    model_name="citation",
                    name="cited",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations_received",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="citation",
                    name="citing",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations_made",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="citationkeyalias",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="key_aliases",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="conceptalias",
                    name="concept",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="aliases",
                        to="bibliography.concept",
                    ),
                ),
                migrations.AlterField(
                    model_name="conceptrelation",
                    name="child",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="parent_relations",
                        to="bibliography.concept",
                    ),
                ),
                migrations.AlterField(
                    model_name="conceptrelation",
                    name="parent",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="child_relations",
                        to="bibliography.concept",
                    ),
                ),
                migrations.AlterField(
                    model_name="duplicatecandidate",
                    name="paper_a",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="duplicatecandidate",
                    name="paper_b",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="idempotentrequest",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="keypoint",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="keypoints",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="note",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="paperconcept",
                    name="concept",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tags",
                        to="bibliography.concept",
                    ),
                ),
                migrations.AlterField(
                    model_name="paperconcept",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tags",
                        to="bibliography.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposals",
                        to="bibliography.paper",
                    ),
                ),
            ],
        ),
    ]
