import { initializeApp } from 'firebase/app';

const firebaseConfig = {
  apiKey: "AIzaSyC8qW3nLr5Tz0Xb7Vm2Kp4Jd6Hf9Gs1Ae3",
  authDomain: "acme-shop.firebaseapp.com",
  projectId: "acme-shop",
  storageBucket: "acme-shop.appspot.com",
  messagingSenderId: "481516234200",
  appId: "1:481516234200:web:7c1d2e3f4a5b6c7d",
};

export const app = initializeApp(firebaseConfig);
