//! TLS for the PostgreSQL connection (rustls), checking the server's certificate as libpq's
//! `sslmode` says: `prefer` and `require` encrypt without checking unless `sslrootcert` is
//! given, `verify-ca` checks the chain, `verify-full` the chain and the host name.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::url::SslMode;
use crate::error::{Error, Result};

/// The TLS settings for a connection in `mode`, trusting `root_cert` when given.
pub(super) fn client_config(mode: SslMode, root_cert: Option<&Path>) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let check = match (mode, root_cert) {
        (SslMode::Prefer | SslMode::Require | SslMode::Disable, None) => Check::Nothing,
        (SslMode::Prefer | SslMode::Require | SslMode::Disable | SslMode::VerifyCa, _) => {
            Check::Chain
        }
        (SslMode::VerifyFull, _) => Check::Full,
    };
    let webpki = match check {
        Check::Nothing => None,
        Check::Chain | Check::Full => {
            let pinned = match root_cert {
                Some(path) => certificates(path)?,
                None => Vec::new(),
            };
            let mut roots = RootCertStore::empty();
            if pinned.is_empty() {
                for cert in rustls_native_certs::load_native_certs().certs {
                    let _ = roots.add(cert);
                }
            }
            for cert in &pinned {
                // A self-signed server certificate is trusted as it is, below, even where it
                // cannot serve as a root.
                let _ = roots.add(cert.clone());
            }
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| Error::usage(format!("cannot check server certificates: {e}")))?;
            Some((webpki, pinned))
        }
    };
    let verifier = Arc::new(Verifier {
        provider: provider.clone(),
        webpki,
        names: check == Check::Full,
    });
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Failed(format!("TLS cannot be set up: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Nothing,
    Chain,
    Full,
}

/// The certificates in a PEM file (`sslrootcert`).
fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let shown = path.display();
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect())
        .map_err(|e| {
            Error::usage(format!(
                "sslrootcert={shown} cannot be read as PEM certificates ({e}); give the server's CA certificate file"
            ))
        })?;
    if certs.is_empty() {
        return Err(Error::usage(format!(
            "sslrootcert={shown} holds no certificate; give the server's CA certificate file"
        )));
    }
    Ok(certs)
}

/// Checks the server's certificate as `sslmode` says: not at all (`webpki` None), or that a
/// trusted root signed it or it is one of the trusted certificates itself (a self-signed
/// server's, given as `sslrootcert`); and, for `verify-full`, that it names the host. The
/// handshake's signatures are checked in every mode.
#[derive(Debug)]
struct Verifier {
    provider: Arc<CryptoProvider>,
    webpki: Option<(Arc<WebPkiServerVerifier>, Vec<CertificateDer<'static>>)>,
    names: bool,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some((webpki, pinned)) = &self.webpki else {
            return Ok(ServerCertVerified::assertion());
        };
        let checked = if pinned.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
            if self.names {
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
            }
            Ok(ServerCertVerified::assertion())
        } else {
            webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        match checked {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.names => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
