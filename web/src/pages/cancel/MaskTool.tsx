import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Redaction } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Alert } from '../../components/Alert.tsx';
import { clampRect, contains, fitScale, rectFromPoints, redactionsForCrop, type Rect } from './maskGeometry.ts';

/** Longest side of what is sent: plenty to read an ID, well under the 10 MB limit as JPEG. */
const MAX_SIDE = 3200;
const MAX_BYTES = 9.5 * 1024 * 1024;
const MIN_DRAG = 6;

export interface MaskResult {
  blob: Blob;
  redactions: Redaction[];
  width: number;
  height: number;
}

interface MaskToolProps {
  file: File;
  busy?: boolean;
  onSubmit: (result: MaskResult) => void;
  onCancel: () => void;
  /** The browser cannot draw this file (e.g. HEIC): send it unmasked, the server still cleans it. */
  onSendAsIs: () => void;
}

type Mode = 'mask' | 'crop';
type Drag = { kind: 'draw'; start: { x: number; y: number }; current: { x: number; y: number } } | { kind: 'move'; index: number; offset: { x: number; y: number } };

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', quality));
}

/**
 * Crop and mask an ID photo in the browser. The photo is drawn on a canvas at up to 3200 px; the
 * buyer drags rectangles over what they want hidden (or a crop frame). What is sent is exactly the
 * preview: the crop, with the masks painted solid black, re-encoded (which also drops EXIF/GPS);
 * the rectangles go along as `redactions` so the server paints them again on its side.
 */
export function MaskTool({ file, busy, onSubmit, onCancel, onSendAsIs }: MaskToolProps) {
  const { t } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [bitmap, setBitmap] = useState<ImageBitmap | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [loadError, setLoadError] = useState(false);
  const [mode, setMode] = useState<Mode>('mask');
  const [rects, setRects] = useState<Rect[]>([]);
  const [crop, setCrop] = useState<Rect | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  // Decode (EXIF orientation applied, as the buyer sees the photo) and scale once.
  useEffect(() => {
    let cancelled = false;
    let created: ImageBitmap | null = null;
    (async () => {
      try {
        const probe = await createImageBitmap(file);
        const scale = fitScale(probe.width, probe.height, MAX_SIDE);
        created = scale < 1 ? await createImageBitmap(probe, { resizeWidth: Math.round(probe.width * scale), resizeHeight: Math.round(probe.height * scale), resizeQuality: 'high' }) : probe;
        if (created !== probe) probe.close();
        if (cancelled) return created.close();
        setBitmap(created);
        setSize({ width: created.width, height: created.height });
      } catch {
        if (!cancelled) setLoadError(true);
      }
    })();
    return () => {
      cancelled = true;
      created?.close();
    };
  }, [file]);

  const fullFrame: Rect = { x: 0, y: 0, width: size.width, height: size.height };
  const frame = crop ?? fullFrame;

  // The editing canvas: photo, dimmed outside the crop, masks solid black with a number.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !bitmap) return;
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const g = canvas.getContext('2d')!;
    g.drawImage(bitmap, 0, 0);
    const line = Math.max(2, Math.round(bitmap.width / 400));
    if (crop) {
      g.fillStyle = 'rgba(15, 20, 30, 0.6)';
      g.fillRect(0, 0, bitmap.width, crop.y);
      g.fillRect(0, crop.y + crop.height, bitmap.width, bitmap.height - crop.y - crop.height);
      g.fillRect(0, crop.y, crop.x, crop.height);
      g.fillRect(crop.x + crop.width, crop.y, bitmap.width - crop.x - crop.width, crop.height);
      g.strokeStyle = '#ffffff';
      g.lineWidth = line;
      g.setLineDash([line * 4, line * 3]);
      g.strokeRect(crop.x, crop.y, crop.width, crop.height);
      g.setLineDash([]);
    }
    rects.forEach((r, i) => {
      g.fillStyle = '#000000';
      g.fillRect(r.x, r.y, r.width, r.height);
      g.strokeStyle = i === selected ? '#f2b632' : '#5b8fd0';
      g.lineWidth = line * (i === selected ? 2 : 1);
      g.strokeRect(r.x, r.y, r.width, r.height);
      g.fillStyle = '#ffffff';
      g.font = `bold ${Math.max(14, Math.round(bitmap.width / 40))}px system-ui, sans-serif`;
      g.fillText(String(i + 1), r.x + line * 3, r.y + Math.max(14, Math.round(bitmap.width / 40)) + line);
    });
    if (drag?.kind === 'draw') {
      const r = rectFromPoints(drag.start, drag.current);
      g.strokeStyle = mode === 'crop' ? '#ffffff' : '#f2b632';
      g.lineWidth = line;
      g.setLineDash([line * 3, line * 2]);
      g.strokeRect(r.x, r.y, r.width, r.height);
      g.setLineDash([]);
      if (mode === 'mask') {
        g.fillStyle = 'rgba(0, 0, 0, 0.55)';
        g.fillRect(r.x, r.y, r.width, r.height);
      }
    }
  }, [bitmap, rects, crop, selected, drag, mode]);

  /** The exact image that is sent: the crop, with masks burnt in. */
  const renderOutput = useCallback((): HTMLCanvasElement | null => {
    if (!bitmap) return null;
    const f = crop ?? { x: 0, y: 0, width: bitmap.width, height: bitmap.height };
    const out = document.createElement('canvas');
    out.width = Math.round(f.width);
    out.height = Math.round(f.height);
    const g = out.getContext('2d')!;
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(bitmap, f.x, f.y, f.width, f.height, 0, 0, out.width, out.height);
    g.fillStyle = '#000000';
    for (const r of redactionsForCrop(rects, f)) g.fillRect(r.x, r.y, r.width, r.height);
    return out;
  }, [bitmap, crop, rects]);

  useEffect(() => {
    if (drag) return;
    const out = renderOutput();
    if (!out) return;
    let url: string | null = null;
    let cancelled = false;
    out.toBlob(
      (blob) => {
        if (!blob || cancelled) return;
        url = URL.createObjectURL(blob);
        setPreviewUrl(url);
      },
      'image/jpeg',
      0.8,
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [renderOutput, drag]);

  const toImage = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return {
      x: Math.min(size.width, Math.max(0, ((event.clientX - box.left) / box.width) * size.width)),
      y: Math.min(size.height, Math.max(0, ((event.clientY - box.top) / box.height) * size.height)),
    };
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!bitmap || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const p = toImage(event);
    if (mode === 'mask') {
      for (let i = rects.length - 1; i >= 0; i--) {
        if (contains(rects[i], p)) {
          setSelected(i);
          setDrag({ kind: 'move', index: i, offset: { x: p.x - rects[i].x, y: p.y - rects[i].y } });
          return;
        }
      }
    }
    setDrag({ kind: 'draw', start: p, current: p });
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!drag) return;
    const p = toImage(event);
    if (drag.kind === 'draw') setDrag({ ...drag, current: p });
    else setRects((list) => list.map((r, i) => (i === drag.index ? clampRect({ ...r, x: p.x - drag.offset.x, y: p.y - drag.offset.y }, size.width, size.height) : r)));
  };

  const onPointerUp = () => {
    if (drag?.kind === 'draw') {
      const r = rectFromPoints(drag.start, drag.current);
      const minSide = MIN_DRAG * (size.width / (canvasRef.current?.getBoundingClientRect().width || size.width));
      if (r.width >= minSide && r.height >= minSide) {
        if (mode === 'crop') {
          setCrop(r);
          setAnnouncement(t('mask.cropSet'));
        } else {
          setRects((list) => [...list, r]);
          setSelected(rects.length);
          setAnnouncement(t('mask.added', { count: rects.length + 1 }));
        }
      }
    }
    setDrag(null);
  };

  /** Keyboard: arrows move the selected mask, Shift+arrows resize it, Delete removes it. */
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    if (selected === null || !rects[selected]) return;
    const step = Math.max(2, Math.round(size.width / 100)) * (event.altKey ? 5 : 1);
    const delta: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      remove(selected);
      return;
    }
    const d = delta[event.key];
    if (!d) return;
    event.preventDefault();
    setRects((list) =>
      list.map((r, i) => {
        if (i !== selected) return r;
        const next = event.shiftKey ? { ...r, width: Math.max(4, r.width + d[0]), height: Math.max(4, r.height + d[1]) } : { ...r, x: r.x + d[0], y: r.y + d[1] };
        return clampRect(next, size.width, size.height);
      }),
    );
  };

  const addCentred = () => {
    const r = clampRect({ x: size.width * 0.35, y: size.height * 0.4, width: size.width * 0.3, height: size.height * 0.12 }, size.width, size.height);
    setRects((list) => [...list, r]);
    setSelected(rects.length);
    setMode('mask');
    setAnnouncement(t('mask.added', { count: rects.length + 1 }));
    canvasRef.current?.focus();
  };

  const remove = (index: number) => {
    setRects((list) => list.filter((_, i) => i !== index));
    setSelected(null);
    setAnnouncement(t('mask.removed', { number: index + 1 }));
  };

  const submit = async () => {
    const out = renderOutput();
    if (!out) return;
    let blob = await toBlob(out, 0.92);
    for (const quality of [0.85, 0.75, 0.6]) {
      if (blob.size <= MAX_BYTES) break;
      blob = await toBlob(out, quality);
    }
    onSubmit({ blob, redactions: redactionsForCrop(rects, frame), width: out.width, height: out.height });
  };

  if (loadError) {
    return (
      <Alert tone="warning" title={t('mask.cannotShowTitle')}>
        <p>{t('mask.cannotShow')}</p>
        <div className="form-actions">
          <Button variant="secondary" onClick={onSendAsIs} busy={busy}>
            {t('mask.sendAsIs')}
          </Button>
          <Button variant="ghost" onClick={onCancel}>
            {t('mask.chooseAnother')}
          </Button>
        </div>
      </Alert>
    );
  }

  return (
    <div className="masker" data-testid="mask-tool">
      <div>
        <div className="segmented" role="radiogroup" aria-label={t('mask.mode')}>
          {(['mask', 'crop'] as const).map((m) => (
            <label key={m} className={`segment${mode === m ? ' segment-active' : ''}`}>
              <input type="radio" name="mask-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              {t(`mask.mode_${m}`)}
            </label>
          ))}
        </div>
        <p className="muted small" id="mask-help">
          {mode === 'mask' ? t('mask.helpMask') : t('mask.helpCrop')} {t('mask.helpKeys')}
        </p>
        <div className="masker-stage" dir="ltr">
          {!bitmap && <p className="loading">{t('common.loading')}</p>}
          <canvas
            ref={canvasRef}
            tabIndex={0}
            role="img"
            aria-label={t('mask.canvasLabel', { count: rects.length })}
            aria-describedby="mask-help"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => setDrag(null)}
            onKeyDown={onKeyDown}
            data-testid="mask-canvas"
            hidden={!bitmap}
          />
        </div>
        <div className="masker-toolbar">
          <Button variant="secondary" size="sm" onClick={addCentred} disabled={!bitmap}>
            {t('mask.addBox')}
          </Button>
          {crop && (
            <Button variant="secondary" size="sm" onClick={() => (setCrop(null), setAnnouncement(t('mask.cropCleared')))}>
              {t('mask.clearCrop')}
            </Button>
          )}
          {rects.length > 0 && (
            <Button variant="ghost" size="sm" onClick={() => (setRects([]), setSelected(null))}>
              {t('mask.clearAll')}
            </Button>
          )}
        </div>
        {rects.length > 0 && (
          <ul className="masker-rects" aria-label={t('mask.listLabel')}>
            {rects.map((r, i) => (
              <li key={i}>
                <button type="button" className="btn-link btn" onClick={() => (setSelected(i), canvasRef.current?.focus())} aria-pressed={selected === i}>
                  {t('mask.item', { number: i + 1, width: Math.round(r.width), height: Math.round(r.height) })}
                </button>
                <Button variant="ghost" size="sm" onClick={() => remove(i)} aria-label={t('mask.removeLabel', { number: i + 1 })}>
                  {t('mask.remove')}
                </Button>
              </li>
            ))}
          </ul>
        )}
        <p className="visually-hidden" role="status">
          {announcement}
        </p>
      </div>
      <div className="masker-preview">
        <h3 className="subhead">{t('mask.previewTitle')}</h3>
        <p className="muted small">{t('mask.previewText')}</p>
        {previewUrl && <img src={previewUrl} alt={t('mask.previewAlt', { count: redactionsForCrop(rects, frame).length })} data-testid="mask-preview" />}
        <div className="form-actions preview-actions">
          <Button onClick={submit} busy={busy} disabled={!bitmap} data-testid="mask-upload">
            {t('mask.upload')}
          </Button>
          <Button variant="ghost" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      </div>
    </div>
  );
}
