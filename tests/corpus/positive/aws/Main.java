class M {
  AWSCredentials c = new BasicAWSCredentials("AKIAHRZRS47PJYQZO44V", "x");
}
