"""NeMO's manifest vocabularies, as data: the header, the controlled vocabularies and the file
name endings NeMO recognises.

Sources: ``manifest_template.tsv``, ``manifest_controlled_vocabularies.xlsx`` (2022),
``file_extensions.md`` and ``submit_data.md`` of NeMO's public documentation, and the patterns of
a public port of NeMO's ingest code (``file_entity.py``).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "COLUMN_INDEX",
    "EXTENSIONS",
    "FASTQ_ENDINGS",
    "FASTQ_SUBTYPES",
    "HEADER",
    "LONG_READ_TECHNIQUES",
    "MANIFEST_SUFFIX",
    "MAX_ROWS",
    "MEX_ENDINGS",
    "OPTIONAL",
    "OTHER_ENDINGS",
    "REQUIRED",
    "TAB_ANALYSIS_MARKERS",
    "VOCABULARIES",
    "VOCABULARY_TERMS",
]

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

#: A column's position in the header.
COLUMN_INDEX: Final[dict[str, int]] = {name: index for index, name in enumerate(HEADER)}

# The published terms, in the spreadsheet's order (that order is used in messages). Program also
# carries the terms NeMO's ingest knows beyond the 2022 sheet; Technique carries the cell-hashing
# technique the ingest code names. The live lists are private and change, hence warnings.
# fmt: off
VOCABULARY_TERMS: Final[dict[str, tuple[str, ...]]] = {
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
    column: frozenset(term.lower() for term in terms) for column, terms in VOCABULARY_TERMS.items()
}

# File name endings NeMO recognises (file_extensions.md plus the patterns of the ingest code).
# Matching is case-sensitive, as NeMO's patterns are; listed case variants are the known ones.
FASTQ_ENDINGS: Final = (".fastq", ".fastq.gz", ".fq", ".fq.gz")
# MEX components. The docs accept any "<sample>...mtx(.gz)"; the ingest code wants
# "matrix.mtx" or "_umi_counts.mtx", so the matrix prefix is taken before either when present.
MEX_ENDINGS: Final[tuple[tuple[str, str], ...]] = (
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
OTHER_ENDINGS: Final = (
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
TAB_ANALYSIS_MARKERS: Final = ("COLmeta_DIMRED", "ROWmeta_DIMRED", "DIMREDmeta")

#: Every file name ending NeMO recognises (case-sensitive, usable with ``str.endswith``).
EXTENSIONS: Final[tuple[str, ...]] = (
    FASTQ_ENDINGS + tuple(ending for ending, _ in MEX_ENDINGS) + OTHER_ENDINGS
)

#: The bundle subtype of a FASTQ read token (file_entity.py).
FASTQ_SUBTYPES: Final[dict[str, str]] = {
    "R1": "FASTQ_READ1",
    "R2": "FASTQ_READ2",
    "R3": "FASTQ_READ3",
    "I1": "FASTQ_INDEX1",
    "I2": "FASTQ_INDEX2",
}

#: Techniques whose FASTQ files carry no read token (one file per library).
LONG_READ_TECHNIQUES: Final = frozenset(
    {"pacbio long read sequencing", "oxford nanopore long read sequencing"}
)
