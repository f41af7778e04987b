"""NeMO Archive manifest rules, as a pure library.

``check_manifest(data)`` checks the bytes of a NeMO submission manifest (a TAB-separated file,
one row per submitted file) and returns a :class:`ManifestReport` whose issues say what is wrong,
where (physical line, column, the row's File_name) and, for the emulator, how NeMO's validator
words it.

Sources, best first:

* NeMO's public documentation (github.com/nemoarchive/documentation): ``manifest_template.tsv``
  (the header), ``manifest_controlled_vocabularies.xlsx`` (the 2022 vocabularies),
  ``file_extensions.md`` and ``submit_data.md`` (extensions, 25,000 rows, ``manifest.tsv``).
* A public port of NeMO's ingest code (``manifest.py``, ``file_entity.py``,
  ``bundle_entity.py``): the error texts, the FASTQ read tokens and the bundle rules. Production
  may differ; where a message below is ours rather than NeMO's, the comment says so.

Deliberate differences from NeMO's code:

* Every wrong row is reported. NeMO stops at an unreadable file, a wrong header, the first row
  with a wrong field count or too many rows; :meth:`ManifestReport.nemo_messages` restores that
  for the emulator. (NeMO also stops listing unrecognised files after the first; we list all.)
* A row's field count is its real one; NeMO's csv reader pads a short row silently (its message
  then comes from the emptied required fields) and counts any longer row as 25 fields.
* Row numbers in messages are physical line numbers (header = 1); NeMO counts records, which is
  the same number unless blank lines sit between rows.
* A checksum must be exactly 32 hexadecimal digits; NeMO's ``int(value, 16)`` would also let
  through a ``0x`` prefix, underscores or surrounding blanks.
* A whitespace-only required cell counts as empty.
* Quoting: NeMO reads the TSV with Python's csv module (excel dialect). We unquote a cell that is
  wholly wrapped in double quotes (what spreadsheet exports write); a quoted cell spanning several
  lines is not supported and shows up as a wrong field count.
* Rules of ours: the manifest's own file name; an empty manifest; a blank line between rows (a
  warning); Access not in lower case (an error: NeMO's validator accepts it, its ingest does not
  map it); a MEX member whose File_type is not ``mtx`` (a warning, docs); a lone
  ``<prefix>peaks.bed`` is a BED file, not an incomplete MEX bundle; any ``*.mtx(.gz)`` is a MEX
  matrix (docs), not only ``matrix.mtx``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Final, Literal

__all__ = [
    "EXTENSIONS",
    "HEADER",
    "OPTIONAL",
    "REQUIRED",
    "VOCABULARIES",
    "ManifestIssue",
    "ManifestReport",
    "check_manifest",
]

Severity = Literal["error", "warning"]

# --------------------------------------------------------------------------------------------
# Format constants
# --------------------------------------------------------------------------------------------

#: The header row, exactly, in order (manifest_template.tsv).
HEADER: Final[tuple[str, ...]] = (
    "File_name",
    "Sample_ID",
    "Program",
    "Sub-program",
    "Lab",
    "Species",
    "Modality",
    "Technique",
    "Subspecimen_type",
    "Data_type",
    "File_type",
    "Access",
    "Checksum",
    "Anatomical_site",
    "Counts_pipeline",
    "Read_aligner",
    "Genome_build",
    "Gene_set_release",
    "BCDC_Project",
    "BCDC_collection",
    "CA_usage",
    "CA_IC_id",
    "CA_donor",
    "CA_tissue_provider",
)

#: Columns that must be filled in on every row: the first 13.
REQUIRED: Final[tuple[str, ...]] = HEADER[:13]

#: Columns that must be present but may be empty.
OPTIONAL: Final[tuple[str, ...]] = HEADER[13:]

#: The manifest's own file name must end with this (submit_data.md, ingest_flow.md).
MANIFEST_SUFFIX: Final = "manifest.tsv"

#: The documented row limit (submit_data.md; NeMO's code allows 50,000).
MAX_ROWS: Final = 25_000

#: Past this many errors NeMO's submission step carries a fixed message instead of the list.
MAX_LISTED_ERRORS: Final = 30

NEMO_SUCCESS_MESSAGE: Final = "Manifest validated successfully."
NEMO_MANY_ISSUES_MESSAGE: Final = (
    "Manifest failed validation with many issues. Please refer to email for attached error file."
)

# The published terms, in the spreadsheet's order (that order is used in messages). Program also
# carries the terms NeMO's ingest knows beyond the 2022 sheet; Technique carries the cell-hashing
# technique the ingest code names. The live lists are private and change, hence warnings.
# fmt: off
_VOCABULARY_TERMS: Final[dict[str, tuple[str, ...]]] = {
    "Program": (
        "biccc", "biccn", "other", "test", "scorch",
        "allen_brain_map", "bican", "sspsygene", "unknown",
    ),
    "Sub-program": (
        "AIBS Internal", "R01_adey", "RF1_adey", "RF1_fan", "RF1_macosko", "RF1_nowakowski",
        "RF1_regev", "RF1_ren", "RF1_roussos", "RF1_tasic", "RF1_tilgner", "U01_akbarian",
        "U01_devhu", "U01_ecker", "U01_feng", "U01_fox", "U01_ho", "U01_kellis", "U01_kenny",
        "U01_lein", "U01_macosko", "U01_rana", "U01_sestan", "U01_snyder-mackler",
        "U01_tilgner", "U01_zhangk", "U01_zhangl", "U19_cemba", "U19_huang", "U19_zeng",
        "UM1_cheng", "UM1_spudich", "mccarroll", "R01_Duan", "RF1_Mitra", "RF1_Shepherd",
        "U19_Deisseroth",
    ),
    "Lab": (
        "adey", "akbarian", "anderson", "arlotta", "behrens", "buenrostro", "callaway", "cemba",
        "cheng", "dulac", "ecker", "fox", "ho", "kellis", "kenny", "kriegstein", "lein",
        "linnarsson", "macosko", "macosko_regev", "mansvelder", "mccarroll", "mukamel",
        "nowakowski", "rana", "regev", "ren", "roussos", "sestan", "snyder-mackler", "spudich",
        "tamas", "tasic", "tilgner", "tolias", "zeng", "zhang", "ndhlovu", "duan", "dougherty",
        "bubak", "deisseroth",
    ),
    "Species": (
        "arctic_ground_squirrel", "armadillo", "chimpanzee", "common_tree_shrew",
        "crab-eating_macaque", "domestic_cat", "domestic_ferret", "green_monkey", "human",
        "macaque", "marmoset", "mouse", "norway_rat", "opossum", "owl_monkey", "pig",
        "pig_tailed_macaque", "rabbit", "rhesus_macaque", "small-eared_galago",
        "western_gorilla", "baboon", "coyote", "squirrel_monkey",
    ),
    "Modality": ("epigenome", "multimodal", "spatial_transcriptome", "transcriptome", "genome"),
    "Technique": (
        "10x Chromium 3' v2 sequencing", "10x Chromium 3' v3 sequencing", "ATAC-seq",
        "DIVA-seq", "Drop-seq", "mC-seq2", "PATCH-Seq", "SMART-seq v4", "Split-seq",
        "mC-seq2, retrograde tracing", "PacBio long read sequencing", "SNARE-seq2;ATAC-seq",
        "SNARE-seq2;RNAseq", "sci-RNA-seq3", "sci-ATAC-seq3", "gwas", "Slide-seq", "SHARE-seq",
        "Oxford Nanopore long read sequencing", "sciMETv2", "10x Genomics Multiome", "m3C-seq",
        "mC-seq3", "10x Chromium 3' v3.1 sequencing", "sciATAC",
        "10X Genomics Multiome;ATAC-seq", "10X Genomics Multiome;RNAseq", "Paired-tag;RNAseq",
        "Paired-tag;DNAseq", "Tempo-seq", "STARmap",
        "10x Genomics Multiome-Cell Hashing;Cell Hashing",
    ),
    "Subspecimen_type": ("bulk", "cellgroup", "cells", "nuclei", "reconstructions"),
    "Data_type": ("raw", "align", "counts", "other"),
    "File_type": (
        "bam", "bed", "bigbed", "bigwig", "csv", "fastq", "mtx", "tsv", "H5", "loom",
        "plink.bed", "bim", "fam",
    ),
    "Access": ("open", "controlled", "embargo"),
    "BCDC_Project": (
        "HumanM110xProj", "HumanPSeqL23Proj", "adey_sciMETv2", "dulac_hyp_sn_10x_proj",
        "dulac_pag_sn_10x_proj", "dulac_poa_dev_sn_10x_proj", "ecker_hu_DNAseq_proj",
        "ecker_hu_sn_ATACseq_proj", "ecker_hu_sn_mCseq_proj", "ecker_sn_ATACseq_proj",
        "ecker_sn_mCseq_proj", "ecker_sn_mCseq_retro_proj", "feng_multiome_proj",
        "feng_sn_dropseq_proj", "huang_dev_cx_proj", "huang_macosko_sn_10xv3_proj",
        "huang_pn_proj", "huang_sn_10v2_proj", "huang_sn_10v3_proj", "human_cortex",
        "human_specialized_types_proj", "human_variation", "kriegstein_sc_10x_proj",
        "kriegstein_sc_ATACseq_proj", "kriegstein_sc_multiome_proj", "kriegstein_sn_10x_proj",
        "lein_L5_pseq_proj", "lein_evo_10x_proj", "lein_evo_Iso_Seq_proj",
        "lein_human_pseq_proj", "lein_lgn_proj", "lein_sn_10x", "lein_sn_SSv4_proj",
        "lein_sn_hippocampus_proj", "macosko_bg_multiome_proj", "macosko_bg_shareseq_proj",
        "macosko_bg_slideseq_proj", "macosko_mouse_slideseq_proj", "mop_evo_tx_epi_pseq_proj",
        "nowakowski_evobc_proj", "nowakowski_pndev_10xv3_proj", "sestan_sn_10x_proj",
        "snyder-mackler_macaque_proj", "tasic_ATACseq_proj", "tasic_sc_SSV4_proj",
        "tilgner_sc_10x_PB", "zeng_anderson_sc_10xv2_proj", "zeng_anderson_sc_10xv3_proj",
        "zeng_sc_10x_proj", "zeng_sc_SSv4_proj", "zeng_sn_10x_proj", "zeng_sn_SSv4_proj",
        "zeng_tolias_pseq_proj", "zhangK_snareseq", "zhangl_kz_omics_proj",
        "ecker_hu_sn_m3Cseq_proj", "adey_sciATAC", "ren_pairedtag_proj", "shepherd_rnafish_proj",
    ),
    "BCDC_collection": (
        "HumanM110x", "HumanPSeqL23_T", "MacaqueM110X", "MousePSeqVIS_T",
        "adey_sciMETv2_human_cortex", "dulac_hyp_sn_10xv2", "dulac_pag_sn_10xv2",
        "dulac_poa_dev_sn_10x_RNAseq", "ecker_hu_DNAseq", "ecker_hu_sn_ATACseq",
        "ecker_hu_sn_mCseq", "ecker_sn_ATACseq", "ecker_sn_mCseq", "ecker_sn_mCseq_retro",
        "feng_multiome_ATACseq", "feng_multiome_RNAseq", "feng_sn_10xv3", "feng_sn_dropseq",
        "huang_dev_cx_scATAC", "huang_dev_cx_scRNA", "huang_pn_bulk_SSv4", "huang_pn_sn_10xv2",
        "huang_pn_sn_10xv3", "huang_sn_10xv2", "huang_sn_10xv3", "human_cortex_SS4_Open_GRU",
        "human_cortex_SS4_counts", "human_cortex_SS4_restricted_GRU",
        "human_cortex_SS4_restricted_limited", "human_specialized_types", "human_variation_10X",
        "human_variation_wgs", "kriegstein_patchseq_tx", "kriegstein_sc_10xv2",
        "kriegstein_sc_10xv3", "kriegstein_sc_ATACseq", "kriegstein_sc_multiome",
        "kriegstein_sn_10xv2", "lein_L5_pseq_t", "lein_evo_10x_arcticgroundsquirrel",
        "lein_evo_10x_armadillo", "lein_evo_10x_cat", "lein_evo_10x_chimp",
        "lein_evo_10x_ferret", "lein_evo_10x_galago", "lein_evo_10x_gorilla",
        "lein_evo_10x_greenmonkey", "lein_evo_10x_nemestrina", "lein_evo_10x_opposum",
        "lein_evo_10x_owlmonkey", "lein_evo_10x_pig", "lein_evo_10x_rabbit", "lein_evo_10x_rat",
        "lein_evo_10x_rhesus", "lein_evo_10x_treeshrew", "lein_evo_10x_baboon",
        "lein_evo_10x_coyote", "lein_evo_10x_squirrel_monkey", "lein_evo_Iso_Seq_armadillo",
        "lein_evo_Iso_Seq_green_monkey", "lein_evo_Iso_Seq_arctic_ground_squirrel",
        "lein_evo_Iso_Seq_nemestrina", "lein_evo_Iso_Seq_opossum",
        "lein_evo_Iso_Seq_squirrel_monkey", "lein_human_pseq_t", "lein_lein_pseq_tx",
        "lein_mansvelder_pseq_tx", "lein_sn_10xv2", "lein_sn_10xv3", "lein_sn_SSv4",
        "lein_sn_hippocampus", "lein_tamas_pseq_tx", "lgn_fascicularis", "lgn_human",
        "lgn_mouse", "lgn_nemestrina", "macosko_bg_multiome_atac_human",
        "macosko_bg_multiome_gex_human", "macosko_bg_multiome_atac_macaque",
        "macosko_bg_multiome_gex_macaque", "macosko_bg_shareseq_macaque",
        "macosko_bg_slideseq_human", "macosko_bg_slideseq_macaque",
        "macosko_mouse_slideseq_slideseqdataset", "mop_evo_pseq_hu_t", "mop_evo_pseq_t",
        "nowakowski_evobc", "nowakowski_pndev_10xv3", "sestan_sc_10xv2_nhp_dev",
        "sestan_sc_10xv3_nhp_dev", "sestan_sn_10xv3_human", "sestan_sn_10xv3_human_pfc",
        "sestan_sn_10xv3_nhp_adult", "sestan_sn_10xv3_nhp_adult_pfc", "sestan_sn_10xv3_pig",
        "snyder-mackler_macaque_scATAC", "snyder-mackler_macaque_scRNA", "tasic_ATACseq",
        "tasic_sc_SSv4", "tilgner_sc_ONT", "tilgner_sc_p56", "zeng_anderson_sc_10xv2",
        "zeng_anderson_sc_10xv3", "zeng_sc_10xv2", "zeng_sc_10xv3", "zeng_sc_SSv4",
        "zeng_sc_SSv4_viral", "zeng_sn_10xv2", "zeng_sn_10xv3", "zeng_sn_SSv4",
        "zeng_tolias_pseq_t", "zhangK_cj_snareseq_AC", "zhangK_cj_snareseq_R",
        "zhangK_hs_snareseq_AC", "zhangK_hs_snareseq_R", "zhangl_kz_omics",
        "ecker_hu_sn_m3Cseq", "tilgner_10x_scRNA", "adey_sciATAC_human_cortex",
        "adey_sciATAC_human_hippocampus", "ren_pairedtag_mouse_dev_RNA",
        "ren_pairedtag_mouse_adult_DNA", "ren_pairedtag_mouse_adult_RNA",
        "ren_pairedtag_human_DNA", "ren_pairedtag_human_RNA", "sestan_multiome_10x_human",
        "sestan_multiome_10x_nhp", "shepherd_rnafish_rna", "adey_sciATAC_mouse",
    ),
    "CA_usage": ("gru", "health_medical", "disease-specific", "other", "NA"),
}
# fmt: on

#: Controlled vocabularies by column, terms in lower case (NeMO matches case-insensitively).
VOCABULARIES: Final[dict[str, frozenset[str]]] = {
    column: frozenset(term.lower() for term in terms) for column, terms in _VOCABULARY_TERMS.items()
}

# File name endings NeMO recognises (file_extensions.md plus the patterns of the ingest code).
# Matching is case-sensitive, as NeMO's patterns are; listed case variants are the known ones.
_FASTQ_ENDINGS: Final = (".fastq", ".fastq.gz", ".fq", ".fq.gz")
# MEX components. The docs accept any "<sample>...mtx(.gz)"; the ingest code wants
# "matrix.mtx" or "_umi_counts.mtx", so the matrix prefix is taken before either when present.
_MEX_ENDINGS: Final[tuple[tuple[str, str], ...]] = (
    ("barcodes.tsv", "MEX_BARCODES"),
    ("barcodes.tsv.gz", "MEX_BARCODES"),
    ("_cell_annotations.tsv", "MEX_BARCODES"),
    ("_cell_annotations.tsv.gz", "MEX_BARCODES"),
    ("features.tsv", "MEX_GENES"),
    ("features.tsv.gz", "MEX_GENES"),
    ("genes.tsv", "MEX_GENES"),
    ("genes.tsv.gz", "MEX_GENES"),
    ("_gene_annotations.tsv", "MEX_GENES"),
    ("_gene_annotations.tsv.gz", "MEX_GENES"),
    ("matrix.mtx", "MEX_MTX"),
    ("matrix.mtx.gz", "MEX_MTX"),
    ("_umi_counts.mtx", "MEX_MTX"),
    ("_umi_counts.mtx.gz", "MEX_MTX"),
    (".mtx", "MEX_MTX"),
    (".mtx.gz", "MEX_MTX"),
    ("peaks.bed", "MEX_PEAK"),
    ("peaks.bed.gz", "MEX_PEAK"),
)
# fmt: off
_OTHER_ENDINGS: Final = (
    ".bam", ".bam.bai", ".cram", ".cram.crai",
    ".bed", ".bed.gz", ".qbed", ".qbed.gz", ".plink.bed", ".bim", ".fam",
    ".bb", ".bb.gz", ".bigbed", ".bigbed.gz", ".bigBed", ".bigBed.gz",
    ".bw", ".bw.gz", ".bigwig", ".bigwig.gz", ".bigWig", ".bigWig.gz",
    ".csv", ".csv.gz",
    "barcodes.fpkm_tracking", "genes.fpkm_tracking",
    ".h5", ".h5ad", ".json", ".loom",
    ".snap", ".snap.qc",
    "COLmeta.tab", "ROWmeta.tab", "COLMeta.tab", "ROWMeta.tab", "DataMTX.tab",
    ".tsv", ".tsv.gz", ".tsv.idx", ".tsv.tbi", ".tsv.gz.idx", ".tsv.gz.tbi",
    ".rds", ".rda", ".rdata", ".Rdata", ".Robj",
    ".txt",
    ".vcf", ".vcf.gz", ".vcf.gz.tbi",
)
# fmt: on
# "TAB analysis" files are recognised by a marker anywhere in the name.
_TAB_ANALYSIS_MARKERS: Final = ("COLmeta_DIMRED", "ROWmeta_DIMRED", "DIMREDmeta")

#: Every file name ending NeMO recognises (case-sensitive, usable with ``str.endswith``).
EXTENSIONS: Final[tuple[str, ...]] = (
    _FASTQ_ENDINGS + tuple(ending for ending, _ in _MEX_ENDINGS) + _OTHER_ENDINGS
)

# Longest ending first, so "x.barcodes.tsv.gz" is a MEX barcodes file, not a plain ".tsv.gz".
_MEX_BY_LENGTH: Final = tuple(sorted(_MEX_ENDINGS, key=lambda pair: -len(pair[0])))
_MEX_NAMES: Final = tuple(ending for ending, _ in _MEX_ENDINGS)
_OTHER_SET: Final = frozenset(_OTHER_ENDINGS)

# The read token of a FASTQ file name: "_R1", "-R2", ".R3", ".read1", "_I1", ".I2", optionally
# followed by "_001", ".raw" or ".trimmed" (ingest code, file_entity.py).
_FASTQ_READ_RE: Final = re.compile(
    r"(?:[-_.](R[123]|I[12])|\.read([123]))"
    r"(?:_[0-9]{3}|\.raw|\.trimmed|\.trimed)?\.f(?:ast)?q(?:\.gz)?$"
)
_FASTQ_SUBTYPES: Final = {
    "R1": "FASTQ_READ1",
    "R2": "FASTQ_READ2",
    "R3": "FASTQ_READ3",
    "I1": "FASTQ_INDEX1",
    "I2": "FASTQ_INDEX2",
}
# Techniques whose FASTQ files carry no read token (one file per library).
_LONG_READ_TECHNIQUES: Final = frozenset(
    {"pacbio long read sequencing", "oxford nanopore long read sequencing"}
)

_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")
_PREFIX_TRIM: Final = "._-"
_COLUMN_INDEX: Final = {name: index for index, name in enumerate(HEADER)}
_FILE_NAME: Final = 0
_SAMPLE_ID: Final = _COLUMN_INDEX["Sample_ID"]
_TECHNIQUE: Final = _COLUMN_INDEX["Technique"]
_FILE_TYPE: Final = _COLUMN_INDEX["File_type"]
_ACCESS: Final = _COLUMN_INDEX["Access"]
_CHECKSUM: Final = _COLUMN_INDEX["Checksum"]
_REQUIRED_COLUMNS: Final = tuple(enumerate(REQUIRED))
_REQUIRED_COUNT: Final = len(REQUIRED)
_VOCABULARY_COLUMNS: Final = tuple(
    (_COLUMN_INDEX[column], column, VOCABULARIES[column], ";".join(terms))
    for column, terms in _VOCABULARY_TERMS.items()
)
# Rows repeat their metadata, so a row's vocabulary cells are checked once per combination.
_VOCABULARY_CELLS: Final = itemgetter(*(position for position, *_ in _VOCABULARY_COLUMNS))

# Rules after which NeMO stops validating, in the order it meets them.
_FATAL_RULES: Final = ("encoding", "header", "field-count", "row-limit")

# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestIssue:
    """One finding about a manifest.

    ``line`` is the 1-based physical line (the header is line 1), ``column`` the manifest column
    and ``file_name`` the row's File_name; each is None when it does not apply. ``rule`` names
    the rule that fired (for instance ``"checksum"``), for callers that filter or count.
    """

    severity: Severity
    message: str
    line: int | None = None
    column: str | None = None
    file_name: str | None = None
    rule: str = ""

    def location(self, path: str) -> str:
        """Where the issue is, for a user: ``path:line: column`` (parts that apply only)."""
        text = path if self.line is None else f"{path}:{self.line}"
        return text if self.column is None else f"{text}: {self.column}"


@dataclass(frozen=True)
class ManifestReport:
    """The outcome of :func:`check_manifest`."""

    rows: int
    issues: tuple[ManifestIssue, ...]
    access: str | None = None

    @property
    def errors(self) -> tuple[ManifestIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "error")

    @property
    def warnings(self) -> tuple[ManifestIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not any(issue.severity == "error" for issue in self.issues)

    def nemo_messages(self) -> list[str]:
        """The errors as NeMO's validator would list them.

        NeMO stops at the first fatal problem (unreadable file, wrong header, a row with the
        wrong number of fields, too many rows) and then reports only that one; otherwise it
        reports every error.
        """
        errors = self.errors
        for rule in _FATAL_RULES:
            for issue in errors:
                if issue.rule == rule:
                    return [issue.message]
        return [issue.message for issue in errors]

    def nemo_step_message(self) -> str:
        """The ``msg`` of NeMO's ``manifest_validated`` step for this manifest."""
        messages = self.nemo_messages()
        if not messages:
            return NEMO_SUCCESS_MESSAGE
        if len(messages) > MAX_LISTED_ERRORS:
            return NEMO_MANY_ISSUES_MESSAGE
        return ",".join(messages)


# --------------------------------------------------------------------------------------------
# File kinds and bundles
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    """A file that belongs to a bundle (FASTQ reads or MEX counts)."""

    line: int
    name: str
    subtype: str
    sample_id: str
    technique: str


def _trim_prefix(prefix: str) -> str:
    # NeMO trims one trailing separator from a file prefix.
    return prefix[:-1] if prefix and prefix[-1] in _PREFIX_TRIM else prefix


def _too_short(name: str) -> str:
    return f"Cannot determine file prefix. File name is too short for file {name}"


def _no_prefix(name: str) -> str:
    return f"Row for '{name}' has invalid value for field 'File_name'. No file prefix detected."


def _classify(name: str, technique: str) -> tuple[str, str, str] | str:
    """Return (bundle kind, subtype, prefix) for a bundled file, ("", "", "") for another
    recognised file, or NeMO's error message when the name is not recognised."""
    if name.endswith(_FASTQ_ENDINGS):
        match = _FASTQ_READ_RE.search(name)
        if match is None:
            if technique in _LONG_READ_TECHNIQUES:
                return ("", "", "")
            return f"Cannot determine an appropriate sub-filetype for FASTQ file {name}"
        token = match.group(1) or f"R{match.group(2)}"
        prefix = name[: match.start()]
        if not prefix:
            return _too_short(name)
        return ("FASTQ", _FASTQ_SUBTYPES[token], prefix)
    if name.endswith(_MEX_NAMES):
        for ending, subtype in _MEX_BY_LENGTH:
            if name.endswith(ending):
                raw = name[: -len(ending)]
                if not raw:
                    return _too_short(name)
                prefix = _trim_prefix(raw)
                if not prefix:
                    return _no_prefix(name)
                return ("MEX", subtype, prefix)
    if name.endswith(_OTHER_ENDINGS) or any(m in name for m in _TAB_ANALYSIS_MARKERS):
        if name in _OTHER_SET:
            return _too_short(name)
        if name[0] in _PREFIX_TRIM and name[1:] in _OTHER_SET:
            return _no_prefix(name)
        return ("", "", "")
    return f"Cannot determine an appropriate filetype for file {name}"


def _required_subtypes(kind: str, present: set[str], technique: str) -> tuple[str, ...]:
    """The subtypes a bundle must hold, given the ones it holds (bundle_entity.py)."""
    if kind == "MEX":
        if "MEX_PEAK" in present:
            return ("MEX_BARCODES", "MEX_PEAK", "MEX_MTX")
        return ("MEX_BARCODES", "MEX_GENES", "MEX_MTX")
    if technique in _LONG_READ_TECHNIQUES:
        return ()
    if technique == "sci-rna-seq3":
        if "FASTQ_INDEX1" in present:
            return ("FASTQ_READ2", "FASTQ_READ1")
        if "FASTQ_READ1" in present:
            return ("FASTQ_READ2",)
        return ()
    if "FASTQ_INDEX2" in present:
        return ("FASTQ_INDEX1", "FASTQ_READ1", "FASTQ_READ2")
    if "FASTQ_INDEX1" in present or "FASTQ_READ3" in present:
        return ("FASTQ_READ1", "FASTQ_READ2")
    if "FASTQ_READ2" in present:
        return ("FASTQ_READ1",)
    return ()


def _check_bundle(kind: str, prefix: str, members: list[_Member], out: list[ManifestIssue]) -> None:
    if kind == "MEX" and all(member.subtype == "MEX_PEAK" for member in members):
        # Our choice: NeMO's code would ask a lone "<prefix>peaks.bed" for barcodes and a matrix;
        # the docs know it only as a BED file, so it is checked only beside other MEX files.
        return
    first = members[0]
    # Bundle texts are those of NeMO's ingest code (bundle_entity.py).
    for member in members[1:]:
        if member.sample_id != first.sample_id:
            out.append(
                ManifestIssue(
                    "error",
                    f"All of the files for bundle with prefix '{prefix}' do not have the same"
                    " sample ID in the manifest.",
                    member.line,
                    "Sample_ID",
                    member.name,
                    "bundle-sample",
                )
            )
            break
    seen: set[str] = set()
    for member in members:
        if member.subtype in seen:
            out.append(
                ManifestIssue(
                    "error",
                    f"One of the {kind} files for file prefix '{prefix}' has multiple files of"
                    " the same subtype",
                    member.line,
                    "File_name",
                    member.name,
                    "bundle-duplicate",
                )
            )
            break
        seen.add(member.subtype)
    for subtype in _required_subtypes(kind, seen, first.technique):
        if subtype not in seen:
            out.append(
                ManifestIssue(
                    "error",
                    f"Cannot create {kind} bundle for prefix '{prefix}': Missing {subtype}"
                    " subtype file.",
                    first.line,
                    "File_name",
                    first.name,
                    "bundle-incomplete",
                )
            )


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == '"' and field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def _decode(data: bytes, out: list[ManifestIssue]) -> str | None:
    """The text of the manifest, or None when it cannot be read as UTF-8 plain text."""
    encoding_error = "File must be a UTF-8 or ASCII encoded plaintext tsv file."
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 or UTF-32 byte order mark
        out.append(ManifestIssue("error", encoding_error, None, None, None, "encoding"))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        # A UTF-8 byte order mark: NeMO refuses it; we report it and read on without it.
        out.append(ManifestIssue("error", encoding_error, 1, None, None, "encoding"))
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        out.append(ManifestIssue("error", encoding_error, line, None, None, "encoding"))
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        out.append(ManifestIssue("error", encoding_error, line, None, None, "encoding"))
        return None
    return text


def _sort_key(issue: ManifestIssue) -> tuple[int, int]:
    column = -1 if issue.column is None else _COLUMN_INDEX.get(issue.column, -1)
    return (0 if issue.line is None else issue.line, column)


def check_manifest(
    data: bytes,
    *,
    file_name: str = MANIFEST_SUFFIX,
    strict: bool = False,
    max_rows: int = MAX_ROWS,
) -> ManifestReport:
    """Check a NeMO manifest's bytes against NeMO's rules.

    ``file_name`` is the name the manifest will be submitted under. With ``strict`` a
    controlled-vocabulary miss (and a MEX file not typed ``mtx``) is an error rather than a
    warning: NeMO's live vocabularies are private and newer than the published ones.
    """
    issues: list[ManifestIssue] = []
    soft: Severity = "error" if strict else "warning"

    base_name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    if not base_name.endswith(MANIFEST_SUFFIX):
        # Our wording: NeMO's message for this is not documented.
        issues.append(
            ManifestIssue(
                "error",
                f"Manifest file name '{base_name}' must end in '{MANIFEST_SUFFIX}'.",
                rule="file-name",
            )
        )

    text = _decode(data, issues)
    if text is None:
        return ManifestReport(0, tuple(sorted(issues, key=_sort_key)), None)

    lines = text.split("\n")
    header = lines[0][:-1] if lines[0].endswith("\r") else lines[0]
    header_fields = tuple(header.split("\t"))
    if header_fields != HEADER:
        differs = next(
            (i for i, (a, b) in enumerate(zip(header_fields, HEADER, strict=False)) if a != b),
            min(len(header_fields), len(HEADER)),
        )
        issues.append(
            ManifestIssue(
                "error",
                "Manifest header row fields differ from the header fields from the template.",
                1,
                HEADER[differs] if differs < len(HEADER) else None,
                None,
                "header",
            )
        )
        rows = sum(1 for line in lines[1:] if line.strip())
        return ManifestReport(rows, tuple(sorted(issues, key=_sort_key)), None)

    width = len(HEADER)
    rows = 0
    blank_lines: list[int] = []
    first_line_of: dict[str, int] = {}
    duplicates_reported: set[str] = set()
    bundles: dict[tuple[str, str], list[_Member]] = {}
    access_first: tuple[str, int] | None = None
    access_mixed = False
    access_values: set[str] = set()
    access_case_reported: set[str] = set()
    good_combinations: set[tuple[str, ...]] = set()
    add = issues.append

    for index in range(1, len(lines)):
        raw = lines[index]
        if raw.endswith("\r"):
            raw = raw[:-1]
        line_no = index + 1
        if not raw.strip():
            blank_lines.append(line_no)
            continue
        for blank in blank_lines:
            # Our wording: NeMO skips empty lines silently; one amid the rows is worth a look.
            add(ManifestIssue("warning", "Blank line ignored.", blank, None, None, "blank-line"))
        blank_lines.clear()
        rows += 1
        if rows == max_rows + 1:
            # NeMO's code words it so, with its own limit of 50,000; the docs say 25,000.
            add(
                ManifestIssue(
                    "error",
                    f"Manifest row count exceeds limit of {max_rows:,} rows.",
                    line_no,
                    None,
                    None,
                    "row-limit",
                )
            )

        fields = raw.split("\t")
        if '"' in raw:
            fields = [_unquote(field) for field in fields]
        if len(fields) != width:
            add(
                ManifestIssue(
                    "error",
                    f"Row #{line_no} does not have the correct number of fields."
                    f" Expected {width} fields, but got {len(fields)}.",
                    line_no,
                    None,
                    fields[0] or None,
                    "field-count",
                )
            )
            continue

        name = fields[_FILE_NAME]
        row_name = name or None

        if "\r" in raw:
            for position, value in enumerate(fields):
                if "\r" in value:
                    add(
                        ManifestIssue(
                            "error",
                            f"Line break found in entry for file {name}.",
                            line_no,
                            HEADER[position],
                            row_name,
                            "line-break",
                        )
                    )

        # Required fields, then the checksum (manifest.py: are_required_fields_filled).
        required = fields[:_REQUIRED_COUNT]
        if "" in required or any(map(str.isspace, required)):
            for position, column in _REQUIRED_COLUMNS:
                value = fields[position]
                if not value or value.isspace():
                    add(
                        ManifestIssue(
                            "error",
                            f"Row for '{name}' does not have required field '{column}' filled in.",
                            line_no,
                            column,
                            row_name,
                            "required",
                        )
                    )
        checksum = fields[_CHECKSUM]
        if checksum and not checksum.isspace():
            if len(checksum) != 32:
                add(
                    ManifestIssue(
                        "error",
                        f"Row for '{name}' does not have a 32 character checksum.",
                        line_no,
                        "Checksum",
                        row_name,
                        "checksum",
                    )
                )
            if not _HEX_DIGITS.issuperset(checksum):
                add(
                    ManifestIssue(
                        "error",
                        f"The checksum for row '{name}' is not a valid md5 checksum.",
                        line_no,
                        "Checksum",
                        row_name,
                        "checksum",
                    )
                )

        # Controlled vocabularies, case-insensitive.
        combination: tuple[str, ...] = _VOCABULARY_CELLS(fields)
        if combination not in good_combinations:
            clean = True
            for position, column, terms, listing in _VOCABULARY_COLUMNS:
                value = fields[position]
                if not value or value.isspace() or value.lower() in terms:
                    continue
                clean = False
                add(
                    ManifestIssue(
                        soft,
                        f"Row for '{name}' has invalid controlled vocabulary term '{value}'"
                        f" for field '{column}'. Valid fields are [{listing}].",
                        line_no,
                        column,
                        row_name,
                        "vocabulary",
                    )
                )
            if clean:
                good_combinations.add(combination)

        # One access level per manifest; and lower case, for the policy mapping.
        access = fields[_ACCESS]
        if access and not access.isspace():
            access_values.add(access)
            if access_first is None:
                access_first = (access, line_no)
            elif not access_mixed and access != access_first[0]:
                access_mixed = True
                add(
                    ManifestIssue(
                        "error",
                        "The manifest has more than one level of access. There can only be one"
                        " type of data in each manifest.",
                        line_no,
                        "Access",
                        row_name,
                        "access-levels",
                    )
                )
            if (
                access != access.lower()
                and access.lower() in VOCABULARIES["Access"]
                and access not in access_case_reported
            ):
                access_case_reported.add(access)
                # Our wording: NeMO's validator accepts it, but its ingest maps Access to the
                # release policy case-sensitively, so the submission would go wrong later.
                add(
                    ManifestIssue(
                        "error",
                        f"Access '{access}' must be written in lower case ('{access.lower()}'):"
                        " NeMO maps it to the release policy case-sensitively.",
                        line_no,
                        "Access",
                        row_name,
                        "access-case",
                    )
                )

        if not name or name.isspace():
            continue

        # File names: unique, no directories, not repeated in another column of the row.
        first_line = first_line_of.get(name)
        if first_line is not None:
            if name not in duplicates_reported:
                duplicates_reported.add(name)
                add(
                    ManifestIssue(
                        "error",
                        f"Duplicate file name found: {name}.",
                        line_no,
                        "File_name",
                        name,
                        "duplicate",
                    )
                )
        else:
            first_line_of[name] = line_no
        if fields.count(name) > 1:
            other = fields.index(name, 1)
            add(
                ManifestIssue(
                    "error",
                    f"File name {name} was duplicated within row #{line_no}.",
                    line_no,
                    HEADER[other],
                    name,
                    "name-in-row",
                )
            )
        if "/" in name:
            add(
                ManifestIssue(
                    "error",
                    f"File name {name} on row#{line_no} contains directory structure.",
                    line_no,
                    "File_name",
                    name,
                    "directory",
                )
            )
            continue

        technique = fields[_TECHNIQUE].lower()
        kind = _classify(name, technique)
        if isinstance(kind, str):
            add(ManifestIssue("error", kind, line_no, "File_name", name, "file-type"))
            continue
        bundle, subtype, prefix = kind
        if not bundle or first_line is not None:
            continue
        members = bundles.setdefault((bundle, prefix), [])
        members.append(_Member(line_no, name, subtype, fields[_SAMPLE_ID], technique))
        file_type = fields[_FILE_TYPE]
        if bundle == "MEX" and subtype != "MEX_PEAK" and file_type.lower() != "mtx":
            # Our wording for file_extensions.md: "For barcodes, feature, or genes files that
            # are a part of MEX format, those files should be labeled as mtx format".
            add(
                ManifestIssue(
                    soft,
                    f"File {name} is part of the MEX bundle '{prefix}': its File_type should be"
                    f" 'mtx', not '{file_type}'.",
                    line_no,
                    "File_type",
                    name,
                    "mex-file-type",
                )
            )

    # Blank lines at the end of the file are fine and are not reported.

    if rows == 0:
        # Our wording: NeMO's code fails on an empty manifest without a message of its own.
        add(ManifestIssue("error", "The manifest has no file rows.", None, None, None, "empty"))

    for (bundle, prefix), members in bundles.items():
        _check_bundle(bundle, prefix, members, issues)

    levels = {value.lower() for value in access_values}
    access_level = None
    if len(levels) == 1:
        (only,) = levels
        if only in VOCABULARIES["Access"]:
            access_level = only

    issues.sort(key=_sort_key)
    return ManifestReport(rows, tuple(issues), access_level)
