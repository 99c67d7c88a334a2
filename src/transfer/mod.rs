//! Import and export: readers, decoding, other CRMs' profiles, and the importer.

pub mod crm;
pub mod decoding;
pub mod importer;
