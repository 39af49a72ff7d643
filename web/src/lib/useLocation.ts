import { useEffect, useState } from 'preact/hooks';
import { location, subscribe, type Location } from './router';

export function useLocation(): Location {
  const [loc, setLoc] = useState(location());
  useEffect(() => subscribe(setLoc), []);
  return loc;
}
