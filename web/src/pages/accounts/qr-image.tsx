import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { ErrorNote } from '../../components/ui';

/** A QR code drawn in the browser from `text`, redrawn whenever the login rotates it. */
export function QrImage({ text, alt }: { text: string; alt: string }) {
  const [drawn, setDrawn] = useState<{ text: string; src: string }>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(text, { margin: 2, width: 264, errorCorrectionLevel: 'M' })
      .then((src) => current && (setDrawn({ text, src }), setError(undefined)))
      .catch((err: Error) => current && setError(err));
    return () => {
      current = false;
    };
  }, [text]);
  if (error) return <ErrorNote error={error} />;
  if (!drawn) return <p className="muted">Drawing the QR code…</p>;
  // The previous code stays up until the new one is drawn, so the image never flickers away.
  return <img src={drawn.src} alt={alt} className="qr" style={{ maxWidth: '100%', height: 'auto' }} />;
}
